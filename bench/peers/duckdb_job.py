"""The reconciliation job in DuckDB (SQL, 2 threads)."""
import duckdb

from common import parse_args, output_path

POS_COLUMNS = ("{'transaction_id': 'VARCHAR', 'store_id': 'VARCHAR', 'sku': 'VARCHAR', "
               "'product_name': 'VARCHAR', 'category': 'VARCHAR', 'quantity': 'BIGINT', "
               "'unit_price': 'DECIMAL(10,2)', 'sold_at': 'TIMESTAMP'}")
INVENTORY_COLUMNS = "{'sku': 'VARCHAR', 'opening_stock': 'BIGINT', 'actual_closing_stock': 'BIGINT'}"


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def main():
    args = parse_args("duckdb")
    con = duckdb.connect()
    con.execute("SET threads=2")
    con.execute("SET preserve_insertion_order=false")
    files = "[" + ", ".join(sql_string(f) for f in args.pos_files) + "]"
    # Declared types; an empty unquoted field is NULL, "" stays an empty string (as in tally).
    con.execute(f"""
        CREATE TEMP VIEW pos_sales AS
        SELECT * FROM read_csv({files}, header = true, delim = ',', quote = '"', escape = '"',
                               columns = {POS_COLUMNS}, allow_quoted_nulls = false,
                               timestampformat = '%Y-%m-%d %H:%M:%S')""")
    con.execute(f"""
        CREATE TEMP VIEW inventory AS
        SELECT * FROM read_csv({sql_string(args.inventory_path)}, header = true, delim = ',', quote = '"',
                               escape = '"', columns = {INVENTORY_COLUMNS}, allow_quoted_nulls = false)""")
    date = sql_string(args.date)
    # daily_sales (sum of quantity) and products (max of name and category) group the same rows by
    # the same key, so one group-by over one scan of the POS files computes both.
    con.execute(f"""
        CREATE TEMP TABLE per_sku AS
        SELECT sku, sum(quantity) AS total_quantity_sold,
               max(product_name) AS product_name, max(category) AS category
        FROM pos_sales GROUP BY sku""")
    con.execute(f"""
        COPY (SELECT DATE {date} AS date_key, sku, total_quantity_sold FROM per_sku ORDER BY sku)
        TO {sql_string(output_path(args, 'fact_daily_sales'))} (HEADER, DELIMITER ',')""")
    con.execute(f"""
        COPY (SELECT sku, product_name, category FROM per_sku ORDER BY sku)
        TO {sql_string(output_path(args, 'dim_products'))} (HEADER, DELIMITER ',')""")
    # inventory LEFT JOIN daily_sales LEFT JOIN products, as in the spec.
    con.execute(f"""
        COPY (
          SELECT DATE {date} AS date_key, i.sku, p.product_name, i.opening_stock,
                 coalesce(s.total_quantity_sold, 0) AS quantity_sold,
                 i.opening_stock - coalesce(s.total_quantity_sold, 0) AS expected_closing_stock,
                 i.actual_closing_stock,
                 i.actual_closing_stock - (i.opening_stock - coalesce(s.total_quantity_sold, 0))
                   AS discrepancy_amount
          FROM inventory i
          LEFT JOIN per_sku s ON i.sku = s.sku
          LEFT JOIN per_sku p ON i.sku = p.sku
          ORDER BY i.sku)
        TO {sql_string(output_path(args, 'fact_inventory_reconciliation'))} (HEADER, DELIMITER ',')""")

if __name__ == "__main__":
    main()
