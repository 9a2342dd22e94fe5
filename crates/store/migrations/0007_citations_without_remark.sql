-- Citations users can print (RULES.md): an unconfirmed article is simply not shown. Earlier
-- versions stored the built-in sources with the remark "（条款待核实）"; templates and the items
-- generated from them drop it, leaving the regulation's title and year.
UPDATE responsibility_templates SET source = REPLACE(source, '（条款待核实）', '') WHERE source LIKE '%（条款待核实）%';
UPDATE responsibility_items SET source = REPLACE(source, '（条款待核实）', '') WHERE source LIKE '%（条款待核实）%';
