"""The Stepper's layer-by-layer mode in numbers: the layer trace of a minibatch (``trace``),
one entry of a result as its unit formula (``entry``), and the cursor over it (``stepper``)."""
