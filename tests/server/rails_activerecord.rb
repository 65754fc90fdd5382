# Rails' ActiveRecord 6.1 (Debian's ruby-activerecord, over the pg gem:
# libpq) against database ARGV[1] of the server at 127.0.0.1:ARGV[0],
# printing what it sees, one line per step; test_catalog_tools.py runs it
# against sqlite_server and PostgreSQL 15 and compares the lines. It loads
# its type map from pg_type at connect, migrates (bigserial keys, jsonb,
# decimals, text[] with defaults, a unique index, a foreign key), queries
# (joins, group, includes, JSON and array operators, a unique violation, a
# rolled-back transaction), reads the schema back (columns, indexes,
# foreign keys, primary key) and migrates again (add, rename, retype and
# remove columns, replace an index).
require "active_record"
port = ARGV[0].to_i
ActiveRecord::Base.establish_connection(adapter: "postgresql", host: "127.0.0.1", port: port, username: "postgres", database: ARGV[1] || "postgres")
ActiveRecord::Migration.verbose = false
conn = ActiveRecord::Base.connection
%w[orders products schema_migrations ar_internal_metadata].each { |t| conn.execute("DROP TABLE IF EXISTS #{t} CASCADE") }
class CreateShop < ActiveRecord::Migration[6.1]
  def change
    create_table :products do |t|
      t.string :name, null: false
      t.decimal :price, precision: 10, scale: 2
      t.jsonb :attrs, default: {}
      t.boolean :active, default: true
      t.timestamps
    end
    add_index :products, :name, unique: true
    create_table :orders do |t|
      t.references :product, foreign_key: true
      t.integer :qty, default: 1
      t.date :placed_on
      t.text :tags, array: true, default: []
      t.timestamps
    end
  end
end
CreateShop.migrate(:up)
class Product < ActiveRecord::Base; has_many :orders; end
class Order < ActiveRecord::Base; belongs_to :product; end
a = Product.create!(name: "apple", price: 1.25, attrs: {"color" => "red"})
b = Product.create!(name: "pear", price: 2.5)
Order.create!(product: a, qty: 3, placed_on: Date.new(2024, 1, 2), tags: ["x", "y"])
Order.create!(product: b, placed_on: Date.new(2024, 2, 3))
puts "count #{Product.count} #{Order.count}"
puts "sum #{Order.joins(:product).sum("qty * price").to_s}"
puts "group #{Order.group(:product_id).count.sort.inspect}"
puts "includes #{Product.includes(:orders).order(:name).map { |p| [p.name, p.orders.map(&:qty)] }.inspect}"
puts "where #{Product.where("price > ?", 2).pluck(:name).inspect}"
puts "json #{Product.where("attrs->>'color' = ?", "red").pluck(:name).inspect} #{Product.find_by(name: "apple").attrs.inspect}"
puts "array #{Order.where("'x' = ANY(tags)").count} #{Order.first.tags.inspect}"
puts "decimal #{Product.find_by(name: "apple").price.class} #{Product.find_by(name: "apple").price.to_s}"
begin
  Product.create!(name: "apple")
rescue ActiveRecord::RecordNotUnique => e
  puts "unique #{e.class}"
end
Product.transaction do
  Product.create!(name: "plum")
  raise ActiveRecord::Rollback
end
puts "rollback #{Product.where(name: "plum").exists?}"
Product.where(name: "pear").update_all("price = price * 2")
puts "update #{Product.find_by(name: "pear").price.to_s}"
puts "columns #{Product.columns.map { |c| [c.name, c.sql_type, c.null, c.default] }.inspect}"
puts "indexes #{conn.indexes(:products).map { |i| [i.name, i.columns, i.unique] }.inspect}"
puts "fks #{conn.foreign_keys(:orders).map { |f| [f.to_table, f.column, f.primary_key] }.inspect}"
puts "pk #{conn.primary_key(:orders)}"
class Change < ActiveRecord::Migration[6.1]
  def change
    add_column :products, :sku, :string
    change_column_null :products, :sku, true
    rename_column :orders, :qty, :quantity
    change_column :orders, :quantity, :bigint
    remove_index :products, :name
    add_index :products, [:name, :sku]
    remove_column :products, :active
  end
end
Change.migrate(:up)
Product.reset_column_information; Order.reset_column_information
puts "changed #{Product.column_names.inspect} #{Order.columns_hash["quantity"].sql_type}"
conn.drop_table(:orders)
conn.drop_table(:products)
puts "dropped #{(conn.tables & %w[orders products schema_migrations ar_internal_metadata]).sort.inspect}"
