"""The one module that knows about the model engine. It never imports Django or the apps."""
