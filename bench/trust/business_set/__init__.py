"""A second evaluation set: business text in many locales, written apart from the recognizers.

`make eval-trust` scored modelgw on `eval_set.jsonl`, which came from this
project's own templates: the recognizers were written for it. This set is
made differently: realistic documents (support tickets, CRM notes, e-mail
threads with signatures and address blocks, forms, chat logs, shipping and
HR notes) filled with people, addresses, phones and identifiers from Faker's
locales, in lower case and ALL CAPS too, with the obfuscations people use.

It has two parts with separately seeded generators: `dev`, which may be read
while tuning detection, and `test`, which is only ever scored (aggregate
figures, never its misses). The test part also draws from locales the dev
part never shows, so it measures how detection carries to data nobody here
looked at. Run `python -m bench.trust.business_set.build` to regenerate both.
"""
