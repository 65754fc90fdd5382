# Ruby's Sequel 5 with sequel_pg (Debian ruby-sequel, ruby-sequel-pg)
# against a server: argv port, database. tests/server/test_catalog_tools.py
# compares what it prints on PostgreSQL 15 and on sqlite_server: its schema
# DSL, datasets, schema/index/foreign-key reflection (catalog queries, with
# CAST(... AS regclass)), and its client_min_messages = WARNING (no NOTICEs).
require 'sequel'
port, name = ARGV
DB = Sequel.connect("postgres://postgres@127.0.0.1:#{port}/#{name}")
DB.drop_table?(:sq_items); DB.drop_table?(:sq_owners)
DB.create_table(:sq_owners) { primary_key :id; String :name, null: false, unique: true }
DB.create_table(:sq_items) do
  primary_key :id
  foreign_key :owner_id, :sq_owners, on_delete: :cascade
  String :title, size: 50
  BigDecimal :price, size: [10, 2]
  TrueClass :active, default: true
  DateTime :created_at
  index :title
end
o = DB[:sq_owners].insert(name: 'ann')
DB[:sq_items].insert(owner_id: o, title: 'a', price: 1.5, created_at: Time.utc(2024, 7, 1, 12))
DB[:sq_items].multi_insert([{owner_id: o, title: 'b'}, {owner_id: o, title: 'c', active: false}])
p DB[:sq_items].order(:id).select(:id, :title, :price, :active).all
p DB[:sq_items].where(active: true).count
p DB[:sq_items].where(Sequel.like(:title, 'b%')).get(:title)
p DB.schema(:sq_items).map { |c, i| [c, i[:db_type], i[:allow_null], i[:primary_key], i[:default], i[:type]] }
p DB.indexes(:sq_items)
p DB.foreign_key_list(:sq_items)
p DB.tables.sort.select { |t| t.to_s.start_with?('sq_') }
p DB.primary_key(:sq_items)
p DB.server_version >= 150000
notices = []
DB.synchronize { |conn| conn.set_notice_receiver { |r| notices << r.result_error_message } }
DB.drop_table?(:sq_missing)
p notices
DB.transaction { DB[:sq_items].update(price: 9); raise Sequel::Rollback }
p DB[:sq_items].sum(:price)
begin; DB[:sq_owners].insert(name: 'ann'); rescue => e; p e.class; end
DB.alter_table(:sq_items) { add_column :note, String; set_column_default :title, 'x'; drop_index :title }
p DB.schema(:sq_items, reload: true).map { |c, i| [c, i[:db_type], i[:default]] }
p DB[:sq_items].returning(:id).insert(owner_id: o, title: 'r')
DB.drop_table(:sq_items); DB.drop_table(:sq_owners)
