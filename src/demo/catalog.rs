//! Names for the demo: sites in France, Greece and the UK, in their own languages.

pub struct Place {
    pub site_name: String,
    pub region: &'static str,
    pub country: &'static str,
    pub locale: &'static str,
    pub domain: &'static str,
}

const FRANCE_NORTH: [&str; 8] = [
    "Paris Opéra",
    "Lille Grand'Place",
    "Rouen Vieux-Marché",
    "Reims Cathédrale",
    "Amiens Beffroi",
    "Nancy Stanislas",
    "Strasbourg Kléber",
    "Orléans Martroi",
];
const FRANCE_SOUTH: [&str; 8] = [
    "Lyon Part-Dieu",
    "Marseille Vieux-Port",
    "Toulouse Capitole",
    "Bordeaux Sainte-Catherine",
    "Montpellier Comédie",
    "Nice Masséna",
    "Aix-en-Provence Mirabeau",
    "Nîmes Arènes",
];
const GREECE: [&str; 8] = [
    "Αθήνα Σύνταγμα",
    "Θεσσαλονίκη Αριστοτέλους",
    "Πάτρα Γεωργίου",
    "Ηράκλειο Λιοντάρια",
    "Λάρισα Κεντρική",
    "Βόλος Παραλία",
    "Ιωάννινα Λίμνη",
    "Χανιά Λιμάνι",
];
const UK: [&str; 8] = [
    "London Oxford Street",
    "Manchester Arndale",
    "Leeds Briggate",
    "Bristol Cabot Circus",
    "Glasgow Buchanan Street",
    "Birmingham Bullring",
    "Edinburgh Princes Street",
    "Cardiff Queen Street",
];

pub fn place(index: usize) -> Place {
    let round = index / 32;
    let suffix = if round == 0 {
        String::new()
    } else {
        format!(" {}", round + 1)
    };
    let slot = index % 32;
    let (region, country, locale, domain, names, prefix) = match slot / 8 {
        0 => (
            "Nord & Île-de-France",
            "FR",
            "fr",
            "example.fr",
            FRANCE_NORTH,
            "Boutique",
        ),
        1 => (
            "Sud de la France",
            "FR",
            "fr",
            "example.fr",
            FRANCE_SOUTH,
            "Boutique",
        ),
        2 => ("Ελλάδα", "GR", "el", "example.gr", GREECE, "Κατάστημα"),
        _ => ("United Kingdom", "GB", "en", "example.co.uk", UK, "Store"),
    };
    Place {
        site_name: format!("{prefix} {}{suffix}", names[slot % 8]),
        region,
        country,
        locale,
        domain,
    }
}

pub fn person(locale: &str, index: usize) -> String {
    let (first, last): (&[&str], &[&str]) = match locale {
        "fr" => (
            &[
                "Camille", "Julien", "Léa", "Hugo", "Chloé", "Théo", "Manon", "Étienne",
            ],
            &[
                "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau",
                "Fontaine",
            ],
        ),
        "el" => (
            &[
                "Γιώργος",
                "Μαρία",
                "Νίκος",
                "Ελένη",
                "Δημήτρης",
                "Κατερίνα",
                "Κώστας",
                "Σοφία",
            ],
            &[
                "Παπαδόπουλος",
                "Νικολάου",
                "Γεωργίου",
                "Οικονόμου",
                "Δημητρίου",
                "Ιωάννου",
                "Βασιλείου",
                "Αθανασίου",
            ],
        ),
        _ => (
            &[
                "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Emily",
            ],
            &[
                "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas",
            ],
        ),
    };
    format!(
        "{} {}",
        first[index % first.len()],
        last[(index / first.len() + index) % last.len()]
    )
}

pub fn team_name(locale: &str, index: usize) -> String {
    let names: &[&str] = match locale {
        "fr" => &[
            "Accueil",
            "Caisse",
            "Conseil",
            "Réserve",
            "Service client",
            "Livraison",
        ],
        "el" => &[
            "Υποδοχή",
            "Ταμείο",
            "Πωλήσεις",
            "Αποθήκη",
            "Εξυπηρέτηση",
            "Παραδόσεις",
        ],
        _ => &[
            "Front desk",
            "Tills",
            "Advice",
            "Stockroom",
            "Customer service",
            "Delivery",
        ],
    };
    names[index % names.len()].to_string()
}

/// First names customers praise, and short praise and complaint comments, per language.
pub fn phrases(locale: &str) -> (Vec<&'static str>, Vec<&'static str>, Vec<&'static str>) {
    match locale {
        "fr" => (
            vec!["Camille", "Julien", "Léa", "Hugo", "Inès", "Zoé"],
            vec![
                "Accueil chaleureux, merci à toute l'équipe.",
                "Conseil précis et rapide.",
                "Toujours un plaisir de venir ici.",
            ],
            vec![
                "Trop d'attente en caisse.",
                "Le retour de ma commande a été compliqué.",
                "Politique de remboursement incompréhensible.",
            ],
        ),
        "el" => (
            vec!["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Σοφία"],
            vec![
                "Πολύ ευγενικό προσωπικό, ευχαριστώ!",
                "Γρήγορη και σωστή εξυπηρέτηση.",
                "Πάντα ευχάριστη εμπειρία.",
            ],
            vec![
                "Μεγάλη αναμονή στο ταμείο.",
                "Η επιστροφή ήταν δύσκολη.",
                "Η πολιτική επιστροφών δεν είναι ξεκάθαρη.",
            ],
        ),
        _ => (
            vec!["Oliver", "Amelia", "Harry", "Isla", "Noah"],
            vec![
                "Friendly staff, thank you!",
                "Quick and helpful advice.",
                "Always a pleasure to shop here.",
            ],
            vec![
                "Long queue at the tills.",
                "Returning my order was a hassle.",
                "The refund policy makes no sense.",
            ],
        ),
    }
}
