-- wrk script: GET /api/v1/search with a long tail of distinct queries
-- (one or two words out of 120, some with a kind filter): about 15,000
-- distinct requests, more than the server's result cache holds, so most
-- requests reach the index.
local words = {
  "paris", "tomate", "logiciel", "carte", "peinture", "jardin", "semences",
  "levain", "eau", "air", "données", "transport", "protocole", "musique",
  "école", "bibliothèque", "gestion", "arbre", "ville", "santé", "énergie",
  "culture", "portrait", "paysage", "photographie", "archive", "musée",
  "recherche", "biologie", "chimie", "climat", "forêt", "rivière", "mer",
  "montagne", "agriculture", "blé", "maïs", "haricot", "courge", "salade",
  "pomme", "vigne", "fromage", "pain", "bière", "kéfir", "yaourt", "riz",
  "soja", "lentille", "pois", "chou", "carotte", "oignon", "ail", "poivron",
  "aubergine", "courgette", "melon", "fraise", "cerise", "prune", "poire",
  "abricot", "olive", "lavande", "rose", "tulipe", "chêne", "hêtre", "pin",
  "bouleau", "érable", "saule", "mobilité", "vélo", "bus", "train", "route",
  "pont", "bâtiment", "logement", "budget", "élection", "population",
  "emploi", "entreprise", "commerce", "tourisme", "sport", "piscine",
  "parc", "déchets", "recyclage", "bruit", "pollution", "qualité", "sol",
  "géographie", "histoire", "littérature", "théâtre", "cinéma", "danse",
  "sculpture", "dessin", "gravure", "manuscrit", "carte postale", "atlas",
  "statistique", "modèle", "algorithme", "réseau", "sécurité", "web",
  "mobile", "cloud", "base", "serveur", "messagerie",
}
local kinds = { "", "", "", "&kind=software", "&kind=dataset", "&kind=cultural-work", "&kind=seed-lot" }
-- WRK_SEED=N draws the same queries on every run (web/bench/cpu.sh).
math.randomseed(tonumber(os.getenv("WRK_SEED") or "") or os.time())
local function enc(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  local q = words[math.random(#words)]
  if math.random() < 0.6 then q = q .. " " .. words[math.random(#words)] end
  return wrk.format("GET", "/api/v1/search?q=" .. enc(q) .. kinds[math.random(#kinds)])
end
