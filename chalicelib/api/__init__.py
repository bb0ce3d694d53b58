"""HTTP transport: Chalice blueprints that parse, call the domain, render."""
