"""The text pipeline: Markdown to safe HTML with citations and glossary
terms, citation checks, reading grades and revision diffs.

Pure functions of the text they are given: nothing here queries the
database or imports articles.models, so the models can call it freely."""
