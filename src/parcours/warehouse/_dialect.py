"""Expression-level choices that differ between engines, asked for by the analytics.

An analytic builds one Ibis expression for every engine; the few places where an engine has a
much faster (or the only exact) form of the same value are methods of a :class:`Dialect`, which
:func:`dialect_of` finds from the expression's backend. Analytics never test engine names.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

__all__ = ["Dialect", "DuckDBDialect", "dialect_for", "dialect_of"]


class Dialect:
    """The portable forms (Spark and any Ibis engine): each engine overrides what it does better."""

    engine = "ibis"

    def seconds(self, ts: ir.TimestampValue) -> ir.FloatingValue:
        """Seconds since the epoch to the millisecond.

        Spark cannot extract microseconds through Ibis: whole seconds plus the milliseconds.
        """
        whole = ts.epoch_seconds().cast("float64").floor()
        value: ir.FloatingValue = whole + ts.millisecond().cast("float64") / 1e3
        return value

    def quantile(self, value: ir.NumericColumn, q: float) -> ir.FloatingScalar:
        """The exact ``q`` quantile of ``value`` (linear interpolation, nulls ignored), aggregated."""
        result: ir.FloatingScalar = value.quantile(q)
        return result

    def median(self, value: ir.NumericColumn) -> ir.FloatingScalar:
        """The exact median of ``value``, aggregated."""
        result: ir.FloatingScalar = value.median()
        return result


@ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator]  # Ibis does not type it
    name="epoch_ms", signature=((idt.Timestamp(timezone="UTC"),), idt.int64)
)
def _epoch_ms(ts: Any) -> Any:  # DuckDB's epoch_ms: milliseconds since 1970, time zone aware
    ...


@ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator]  # Ibis does not type it
    name="list_aggregate",
    signature=((idt.Array(idt.float64), idt.string, idt.float64), idt.float64),
)
def _list_quantile(values: Any, function: Any, q: Any) -> Any:  # DuckDB's list_aggregate
    ...


class DuckDBDialect(Dialect):
    """DuckDB's faster exact forms."""

    engine = "duckdb"

    def seconds(self, ts: ir.TimestampValue) -> ir.FloatingValue:
        value: ir.FloatingValue = _epoch_ms(ts).cast("float64") / 1e3
        return value

    def quantile(self, value: ir.NumericColumn, q: float) -> ir.FloatingScalar:
        """The values of each group collected into a list and the quantile taken on the list.

        The same result as ``quantile_cont``, but DuckDB's grouped quantile aggregate keeps a
        costly state per group and thread, which on 50M events spilled tens of GB to disk (the
        list form runs in memory, as fast as a plain ``avg``).
        """
        result: ir.FloatingScalar = _list_quantile(
            value.cast("float64").collect(include_null=True), "quantile_cont", q
        )
        return result

    def median(self, value: ir.NumericColumn) -> ir.FloatingScalar:
        return self.quantile(value, 0.5)


_DIALECTS: dict[str, Dialect] = {"duckdb": DuckDBDialect()}
_PORTABLE = Dialect()


def dialect_for(engine: str) -> Dialect:
    """The dialect of an engine by its Ibis backend name (the portable one if it has none)."""
    return _DIALECTS.get(engine, _PORTABLE)


def dialect_of(value: ir.Value) -> Dialect:
    """The dialect of the engine an expression is bound to (an unbound one runs on DuckDB,
    Ibis' default engine)."""
    try:
        engine = str(value.get_backend().name)
    except Exception:  # Ibis raises several types for an unbound expression
        engine = "duckdb"
    return dialect_for(engine)
