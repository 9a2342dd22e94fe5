//! Grams: how a search for part of a name finds its rows through an index instead of reading
//! every row. A text is indexed by each of its characters and each pair of adjacent
//! characters; a search text of one character looks up that character, a longer one the pairs
//! it contains (every row holding the text holds all of them). Single Chinese characters match,
//! which trigram indexes (FTS5's, pg_trgm's) do not offer.

use std::collections::BTreeSet;

/// The grams a text is indexed under: its characters and adjacent pairs, lower-cased, without
/// white space (a pair never spans it).
pub fn grams(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        for (i, c) in chars.iter().enumerate() {
            out.insert(c.to_string());
            if let Some(next) = chars.get(i + 1) {
                out.insert(format!("{c}{next}"));
            }
        }
    }
    out
}

/// The grams every row that contains `query` is indexed under: the character of a
/// one-character query, else the pairs of each word. Empty when the query has no character.
pub fn query_grams(query: &str) -> BTreeSet<String> {
    let all = grams(query);
    let pairs: BTreeSet<String> = all.iter().filter(|g| g.chars().count() == 2).cloned().collect();
    // a word of one character has no pair: its character must be looked up itself
    let lone: BTreeSet<String> = query
        .split_whitespace()
        .filter(|w| w.chars().count() == 1)
        .flat_map(|w| w.chars().flat_map(char::to_lowercase))
        .map(|c| c.to_string())
        .collect();
    pairs.into_iter().chain(lone).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_indexed_by_characters_and_pairs() {
        let g: Vec<String> = grams("张三丰 科员").into_iter().collect();
        assert_eq!(g, ["三", "三丰", "丰", "员", "张", "张三", "科", "科员"]);
        assert!(grams("").is_empty());
    }

    #[test]
    fn every_gram_of_a_query_is_a_gram_of_a_text_containing_it() {
        let text = "信息科副科长 Wang Fang";
        for q in ["张", "科副", "副科长", "wang", "A", "息 科", "fang"] {
            let indexed = grams(text);
            let needed = query_grams(q);
            assert!(!needed.is_empty(), "{q}");
            let contained = text.to_lowercase().contains(&q.to_lowercase());
            if contained {
                assert!(needed.is_subset(&indexed), "{q}");
            }
        }
        assert_eq!(query_grams("张").into_iter().collect::<Vec<_>>(), ["张"]);
        assert_eq!(query_grams("张三丰").into_iter().collect::<Vec<_>>(), ["三丰", "张三"]);
        assert!(query_grams("  ").is_empty());
    }
}
