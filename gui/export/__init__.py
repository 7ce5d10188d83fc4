"""File ▸ Export and the window's export flags: slides (PDF), animations (GIF), vector diagrams
(SVG, PDF), and the LaTeX, Markdown and notebook handouts of core.export."""
