"""The reconciliation job in Polars: lazy scans, run by the streaming engine."""
import inspect

import polars as pl

from common import (DAILY_SALES_COLUMNS, PRODUCTS_COLUMNS, RECONCILIATION_COLUMNS, output_path,
                    parse_args)

POS_SCHEMA = {
    "transaction_id": pl.String, "store_id": pl.String, "sku": pl.String, "product_name": pl.String,
    "category": pl.String, "quantity": pl.Int64, "unit_price": pl.Decimal(10, 2), "sold_at": pl.Datetime("us"),
}
INVENTORY_SCHEMA = {"sku": pl.String, "opening_stock": pl.Int64, "actual_closing_stock": pl.Int64}


def collect_streaming(frames):
    """collect_all with the streaming engine (`engine="streaming"` on Polars >= 1.23, else `streaming=True`)."""
    if "engine" in inspect.signature(pl.collect_all).parameters:
        return pl.collect_all(frames, engine="streaming")
    return pl.collect_all(frames, streaming=True)


def main():
    args = parse_args("polars")
    # sold_at arrives as text "YYYY-MM-DD HH:MM:SS" and is parsed to a timestamp (strict) like the
    # declared type; unit_price is read as decimal(10,2).
    pos = pl.scan_csv(args.pos_files, has_header=True, separator=",", quote_char='"',
                      schema_overrides={**POS_SCHEMA, "sold_at": pl.String})
    pos = pos.with_columns(pl.col("sold_at").str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=True))
    inventory = pl.scan_csv(args.inventory_path, has_header=True, schema_overrides=INVENTORY_SCHEMA)
    run_date = pl.lit(args.date).str.to_date("%Y-%m-%d")

    # daily_sales and products group the same rows by the same key: one group-by computes both.
    per_sku = pos.group_by("sku").agg(
        pl.col("quantity").sum().alias("total_quantity_sold"),
        pl.col("product_name").max(),
        pl.col("category").max(),
    )
    daily_sales = per_sku.select("sku", "total_quantity_sold").with_columns(date_key=run_date)
    products = per_sku.select(PRODUCTS_COLUMNS)
    quantity_sold = pl.col("sales_total_quantity_sold").fill_null(0)
    reconciliation = (
        inventory
        .join(daily_sales.select("sku", pl.col("total_quantity_sold").alias("sales_total_quantity_sold")),
              on="sku", how="left")
        .join(products, on="sku", how="left")
        .with_columns(
            date_key=run_date,
            quantity_sold=quantity_sold,
            expected_closing_stock=pl.col("opening_stock") - quantity_sold,
        )
        .with_columns(discrepancy_amount=pl.col("actual_closing_stock") - pl.col("expected_closing_stock"))
        .select(RECONCILIATION_COLUMNS)
        .sort("sku")
    )
    outputs = collect_streaming([
        daily_sales.select(DAILY_SALES_COLUMNS).sort("sku"),
        products.sort("sku"),
        reconciliation,
    ])
    for name, frame in zip(("fact_daily_sales", "dim_products", "fact_inventory_reconciliation"), outputs):
        frame.write_csv(output_path(args, name))


if __name__ == "__main__":
    main()
