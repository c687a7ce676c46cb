"""Drawn animatic frames: a scene's setting read from its words and drawn recognisably (Pillow, no network).

The keyless keyframes stage draws its stills with it, and the keyless clip maker draws a scene it was
given no frame for (chain mode) and the rain that falls across a rainy scene.
"""
