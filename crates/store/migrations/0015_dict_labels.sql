-- 字典管理 of dictionaries whose keys RULES.md fixes: the name an office shows for a key
-- ('' = the built-in name) and its position in lists. dict: 'entry_kind' (履职台账记录类型) or
-- 'finding_category' (问题类别); code: the fixed key. Keys without a row keep their built-in name and order.
CREATE TABLE dict_labels (
    dict       TEXT NOT NULL,
    code       TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dict, code)
);
