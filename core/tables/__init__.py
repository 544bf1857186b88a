"""Tables in photos: the side models' lifetime in this process, and the tables API."""
