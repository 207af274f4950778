"""The window: the only package that imports Qt. It observes the model and edits it through commands."""
