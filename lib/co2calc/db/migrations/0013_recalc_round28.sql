-- Set-based recalculation after a values-only factor change (co2calc.recalc).
--
-- co2calc_round28(x) rounds x the way the engine's Decimal arithmetic does: to
-- 28 significant digits, half to even (Python's default decimal context), and
-- returns x unchanged when it already fits. ``quantity * value`` in SQL is the
-- exact product; rounded with this function it equals the engine's
-- ``quantity * value`` digit for digit, so emission rows re-valued in SQL are the
-- rows the engine would have written (same value; the text may differ in
-- trailing zeros when the engine's Decimal carried a positive exponent). The
-- exponent comes from a float log (fast) and is corrected exactly; numeric log is
-- ~50x slower. Callers skip the call when the value clearly fits (see
-- co2calc.db.recalc): a plpgsql call costs ~4 µs.
-- depends: 0012_emission_write_path

create function co2calc_round28(x numeric) returns numeric
language plpgsql immutable strict parallel safe as $$
declare
    a numeric := abs(x);
    e integer;
    s integer;
    t numeric;
    d numeric;
    m numeric;
begin
    if a = 0 then
        return x;
    end if;
    e := floor(log(a::float8));
    -- exact correction (power() of a negative exponent is rounded: scale a instead)
    m := case when e >= 0 then a else a * power(10::numeric, -e) end;  -- exact
    if m >= power(10::numeric, greatest(e, 0) + 1) then
        e := e + 1;
    elsif m < power(10::numeric, greatest(e, 0)) then
        e := e - 1;
    end if;
    s := 27 - e;  -- digits kept after the decimal point
    if scale(x) <= s then
        return x;
    end if;
    t := trunc(a, s);
    d := (a - t) * power(10::numeric, s);  -- the discarded part, in [0, 1)
    if d = 0.5 and mod(t * power(10::numeric, s), 2) = 0 then
        return sign(x) * t;  -- a tie goes to the even digit
    end if;
    return sign(x) * round(a, s);  -- round() takes ties away from zero
end
$$;

do $$
begin
    if exists (select from pg_roles where rolname = 'co2calc_app') then
        grant execute on function co2calc_round28(numeric) to co2calc_app;
    end if;
end
$$;
