"""Parsers: text in, record out; no IO.

- ``cable``: ``parse_cable`` composes the field extractors of ``caucasus_cables.extract`` into a
  validated ``Cable`` (it is re-exported as ``caucasus_cables.parse_cable``);
- ``news``: ``parse_news_article``;
- ``text``: shared clean-up (line endings, page-break lines, spaced words, whitespace).

Nothing is imported here, so importing one parser does not import the other.
"""
