"""Views of the browser app, one module per resource."""
