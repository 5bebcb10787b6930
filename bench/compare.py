"""Value-by-value comparison of tally's warehouse tables with the peers' CSV outputs.

Tables are compared as sets of rows keyed by `sku` (each table has one row per SKU), column by
column by name. Values are normalised first: empty -> null, integers -> int, decimals -> Decimal
(so 1.50 == 1.5), dates -> YYYY-MM-DD (a midnight timestamp counts as its date); anything else is
compared as text.
"""
import csv
import os
import re
import shutil
import sqlite3
import subprocess
from decimal import Decimal

TABLES = {
    # table: (columns, has date_key partition)
    "fact_daily_sales": (["date_key", "sku", "total_quantity_sold"], True),
    "dim_products": (["sku", "product_name", "category"], False),
    "fact_inventory_reconciliation": (
        ["date_key", "sku", "product_name", "opening_stock", "quantity_sold", "expected_closing_stock",
         "actual_closing_stock", "discrepancy_amount"], True),
}

_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+)")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:\.0+)?)?")


def normalise(text):
    if text is None or text == "":
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() else value.normalize()
    match = _DATE.fullmatch(text)
    if match:
        return match.group(1)
    return text


def read_csv(path):
    """Header and rows of a CSV file (RFC 4180 quoting, LF or CRLF)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: empty file")
        return header, list(reader)


def export_tally_table(db, table, date, path):
    """Exports one warehouse table (the run date's partition) to CSV, sorted by sku."""
    columns, partitioned = TABLES[table]
    where = f" WHERE date_key = '{date}'" if partitioned else ""
    query = f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY sku;"
    if shutil.which("sqlite3"):
        with open(path, "w", encoding="utf-8", newline="") as out:
            subprocess.run(["sqlite3", "-csv", "-header", db, query], stdout=out, check=True)
    else:  # same CSV, through Python's sqlite3 module
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute(query).fetchall()
        finally:
            con.close()
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows(["" if v is None else v for v in row] for row in rows)


def keyed(path, columns):
    header, rows = read_csv(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{path}: missing columns {missing} (header {header})")
    index = [header.index(c) for c in columns]
    key = columns.index("sku")
    table = {}
    duplicates = 0
    for row in rows:
        values = tuple(normalise(row[i]) if i < len(row) else None for i in index)
        if values[key] in table:
            duplicates += 1
        table[values[key]] = values
    return table, duplicates


def compare(expected_path, actual_path, columns, max_examples=5):
    """Returns (ok, detail) comparing two CSV files of one table."""
    expected, dup_e = keyed(expected_path, columns)
    actual, dup_a = keyed(actual_path, columns)
    problems = []
    if dup_e or dup_a:
        problems.append(f"duplicate sku rows: tally {dup_e}, peer {dup_a}")
    only_expected = sorted(set(expected) - set(actual), key=str)
    only_actual = sorted(set(actual) - set(expected), key=str)
    if only_expected:
        problems.append(f"{len(only_expected)} sku only in tally (e.g. {only_expected[:3]})")
    if only_actual:
        problems.append(f"{len(only_actual)} sku only in peer (e.g. {only_actual[:3]})")
    cells = 0
    examples = []
    for sku in expected.keys() & actual.keys():
        for name, e, a in zip(columns, expected[sku], actual[sku]):
            if e != a:
                cells += 1
                if len(examples) < max_examples:
                    examples.append(f"{sku}.{name}: tally {e!r} vs peer {a!r}")
    if cells:
        problems.append(f"{cells} differing values (e.g. {'; '.join(examples)})")
    if problems:
        return False, "; ".join(problems)
    return True, f"{len(expected)} rows"


def compare_ground_truth(reconciliation_csv, expected_dir):
    """The generator's injected discrepancies must be exactly the rows with discrepancy_amount != 0."""
    path = os.path.join(expected_dir, "discrepancies.csv")
    if not os.path.isfile(path):
        return None, "no expected/discrepancies.csv"
    _, rows = read_csv(path)
    truth = {sku: int(amount) for sku, amount in rows}
    columns = TABLES["fact_inventory_reconciliation"][0]
    table, _ = keyed(reconciliation_csv, columns)
    found = {sku: values[-1] for sku, values in table.items() if values[-1] not in (0, None)}
    if found == truth:
        return True, f"{len(truth)} injected discrepancies found exactly"
    missing = set(truth) - set(found)
    extra = set(found) - set(truth)
    wrong = [s for s in set(truth) & set(found) if truth[s] != found[s]]
    return False, f"missing {len(missing)}, extra {len(extra)}, wrong amount {len(wrong)}"
