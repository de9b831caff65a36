"""`field__any_of=ids`: `field IN (ids)`, sent on PostgreSQL as one array, `= ANY(%s)`.

Downloads read their rows a chunk of 2,000 at a time and then each chunk's references and
import positions by id. As an IN list that is 2,000 placeholders, which psycopg parses in
Python on every query (its client-side binding caches no query of a new length) and Django
prepares one by one: a third of streaming the 300,000-entry reading log on PostgreSQL. One
array parameter is one placeholder. Other databases get the IN list. For integer fields.
"""

from django.db import models


@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs]
        if not ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]
