"""Shared command line for the peer jobs: the retail inventory reconciliation of
pipelines/retail_inventory_reconciliation.yaml for one run date, written as three CSV files."""
import argparse
import glob
import os
import sys

OUTPUTS = ("fact_daily_sales", "dim_products", "fact_inventory_reconciliation")

# Column order of tally's warehouse tables.
DAILY_SALES_COLUMNS = ["date_key", "sku", "total_quantity_sold"]
PRODUCTS_COLUMNS = ["sku", "product_name", "category"]
RECONCILIATION_COLUMNS = ["date_key", "sku", "product_name", "opening_stock", "quantity_sold",
                          "expected_closing_stock", "actual_closing_stock", "discrepancy_amount"]


def parse_args(engine):
    parser = argparse.ArgumentParser(description=f"retail inventory reconciliation in {engine}")
    parser.add_argument("--root", required=True, help="data root holding pos/ and inventory/")
    parser.add_argument("--date", required=True, help="run date YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="folder for the three output CSV files")
    args = parser.parse_args()
    args.pos_glob = os.path.join(args.root, f"pos/date={args.date}/*.csv")
    args.inventory_path = os.path.join(args.root, f"inventory/date={args.date}/inventory.csv")
    args.pos_files = sorted(glob.glob(args.pos_glob))
    if not args.pos_files:
        sys.exit(f"{engine}: no POS files match {args.pos_glob}")
    if not os.path.isfile(args.inventory_path):
        sys.exit(f"{engine}: missing {args.inventory_path}")
    os.makedirs(args.out, exist_ok=True)
    return args


def output_path(args, name):
    return os.path.join(args.out, name + ".csv")
