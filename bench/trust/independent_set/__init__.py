"""An evaluation set of personal data in text, written apart from the detector it grades.

Its values, names, addresses and text shapes come from sources and templates
the detector's authors did not use (see `build` for the parts and `people`,
`addresses`, `identifiers` for the sources), so it measures detection on text
nobody tuned against.
"""
