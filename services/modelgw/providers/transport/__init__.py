"""What every HTTP provider adapter shares: client, deadlines, error mapping, stream framing."""
