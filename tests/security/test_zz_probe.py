from tests.security.routes import all_routes
from tests.security.test_private_routes_refuse_strangers import world_values, stranger, knock, nonexistent_ids  # noqa
def test_p(world, stranger):
    _, ctx = world
    v = world_values(ctx); print(v)
    for r in all_routes():
        u = r.url(v)
        if r.params and u:
            print("PARAM", r.name, u, knock(stranger, u), knock(stranger, r.url({**v, **nonexistent_ids(r)})))
