"""The reconciliation job in plain pandas (default C parser, one process, one thread)."""
import pandas as pd

from common import (DAILY_SALES_COLUMNS, PRODUCTS_COLUMNS, RECONCILIATION_COLUMNS, output_path,
                    parse_args)

# pandas has no native decimal type: unit_price is checked as decimal(10,2) text by the parser's
# float conversion only (it feeds no output).
POS_DTYPES = {"transaction_id": str, "store_id": str, "sku": str, "product_name": str, "category": str,
              "quantity": "int64", "unit_price": "float64", "sold_at": str}
INVENTORY_DTYPES = {"sku": str, "opening_stock": "int64", "actual_closing_stock": "int64"}


def main():
    args = parse_args("pandas")
    # keep_default_na=False + na_values=[""]: only empty fields are null (not "NA", "null", ...).
    frames = [pd.read_csv(f, dtype=POS_DTYPES, keep_default_na=False, na_values=[""]) for f in args.pos_files]
    pos = pd.concat(frames, ignore_index=True)
    del frames
    pos["sold_at"] = pd.to_datetime(pos["sold_at"], format="%Y-%m-%d %H:%M:%S")
    inventory = pd.read_csv(args.inventory_path, dtype=INVENTORY_DTYPES, keep_default_na=False, na_values=[""])

    # daily_sales and products group the same rows by the same key: one group-by computes both.
    per_sku = pos.groupby("sku", sort=True).agg(
        total_quantity_sold=("quantity", "sum"),
        product_name=("product_name", "max"),
        category=("category", "max"),
    ).reset_index()
    del pos
    daily_sales = per_sku[["sku", "total_quantity_sold"]].copy()
    daily_sales.insert(0, "date_key", args.date)
    products = per_sku[PRODUCTS_COLUMNS]

    recon = inventory.merge(
        daily_sales[["sku", "total_quantity_sold"]].rename(columns={"total_quantity_sold": "sales_total_quantity_sold"}),
        on="sku", how="left")
    recon = recon.merge(products, on="sku", how="left")
    recon["date_key"] = args.date
    recon["quantity_sold"] = recon["sales_total_quantity_sold"].fillna(0).astype("int64")
    recon["expected_closing_stock"] = recon["opening_stock"] - recon["quantity_sold"]
    recon["discrepancy_amount"] = recon["actual_closing_stock"] - recon["expected_closing_stock"]
    recon = recon[RECONCILIATION_COLUMNS].sort_values("sku", kind="stable")

    daily_sales[DAILY_SALES_COLUMNS].to_csv(output_path(args, "fact_daily_sales"), index=False)
    products.to_csv(output_path(args, "dim_products"), index=False)
    recon.to_csv(output_path(args, "fact_inventory_reconciliation"), index=False)


if __name__ == "__main__":
    main()
