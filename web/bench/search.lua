-- wrk script: GET /api/v1/search with a rotating set of queries (words,
-- phrases, filters, facets), so that caches do not make one query look fast.
local queries = {
  "q=paris", "q=tomate", "q=logiciel+libre", "q=carte&kind=dataset",
  "q=peinture", "q=%22jardin+partag%C3%A9%22", "q=semences&kind=seed-lot",
  "q=levain", "q=licence:MIT", "q=eau+OR+air", "q=donn%C3%A9es+-transport",
  "q=protocole&page=2", "q=", "q=arbre&tag=environnement", "q=musique",
  "q=%C3%A9cole", "q=biblioth%C3%A8que", "q=kind:software+gestion",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/search?" .. queries[(i % #queries) + 1])
end
