"""Teaching material out of the app: step ranges, safe output paths, LaTeX and Markdown handouts,
and Jupyter notebooks. Pure Python and NumPy; the pictures (PDF, GIF, SVG) are drawn in
gui/export/ from these pieces."""
