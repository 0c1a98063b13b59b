"""portpages: port records in YAML become a localized MkDocs reference site."""
