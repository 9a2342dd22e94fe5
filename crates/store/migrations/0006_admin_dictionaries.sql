-- 字典管理: lists an office adapts (职级 names mapped to the levels the rules need, 职务).
-- dict: 'rank' (value = the name, maps_to = the level key: county, township, below_section,
-- staff) or 'title' (value = a 职务 offered on the person form; maps_to unused).
CREATE TABLE dict_entries (
    dict       TEXT NOT NULL,
    value      TEXT NOT NULL,
    maps_to    TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dict, value)
);

-- the 职级 as the office names it; the rules keep working on people.rank (the level)
ALTER TABLE people ADD COLUMN rank_name TEXT NOT NULL DEFAULT '';

INSERT INTO dict_entries (dict, value, maps_to, sort_order) VALUES
    ('rank', '正处级', 'county', 10),
    ('rank', '副处级', 'county', 20),
    ('rank', '一级调研员', 'county', 30),
    ('rank', '二级调研员', 'county', 40),
    ('rank', '三级调研员', 'county', 50),
    ('rank', '四级调研员', 'county', 60),
    ('rank', '正科级', 'township', 70),
    ('rank', '副科级', 'township', 80),
    ('rank', '一级主任科员', 'township', 90),
    ('rank', '二级主任科员', 'township', 100),
    ('rank', '三级主任科员', 'township', 110),
    ('rank', '四级主任科员', 'township', 120),
    ('rank', '一级科员', 'below_section', 130),
    ('rank', '二级科员', 'below_section', 140),
    ('rank', '试用期人员', 'below_section', 150),
    ('rank', '工勤人员', 'staff', 160),
    ('rank', '职工', 'staff', 170),
    ('title', '主任', '', 10),
    ('title', '副主任', '', 20),
    ('title', '科长', '', 30),
    ('title', '副科长', '', 40),
    ('title', '科员', '', 50),
    ('title', '办事员', '', 60),
    ('title', '支部书记', '', 70),
    ('title', '纪检委员', '', 80);
