package bundle

// DefaultAvoid lists the ports that are never handed out, whatever the
// config says. A slot whose bundle overlaps any of them is skipped. Only
// ports in 1024-65535 are listed, since ranges must lie there.
//
// Changing this list moves the bundles of worktrees that allocate afterwards
// (existing reservations are kept), so add to it with care.
var DefaultAvoid = []Range{
	// Databases and caches that developers run locally, often in Docker with
	// their default port published on the host.
	{1433, 1433},   // Microsoft SQL Server
	{1521, 1521},   // Oracle
	{3306, 3306},   // MySQL, MariaDB
	{5432, 5432},   // PostgreSQL
	{5984, 5984},   // CouchDB
	{6379, 6379},   // Redis
	{7474, 7474},   // Neo4j HTTP
	{7687, 7687},   // Neo4j Bolt
	{8086, 8086},   // InfluxDB
	{8123, 8123},   // ClickHouse HTTP
	{8983, 8983},   // Solr
	{9042, 9042},   // Cassandra CQL
	{9200, 9200},   // Elasticsearch, OpenSearch HTTP
	{9300, 9300},   // Elasticsearch transport
	{11211, 11211}, // memcached
	{26257, 26257}, // CockroachDB
	{27017, 27019}, // MongoDB (mongod, mongos, config servers)
	{28015, 28015}, // RethinkDB

	// Message brokers and their consoles.
	{1883, 1883},   // MQTT
	{2181, 2181},   // ZooKeeper
	{4222, 4222},   // NATS
	{5672, 5672},   // RabbitMQ AMQP
	{6650, 6650},   // Pulsar
	{9092, 9092},   // Kafka
	{15672, 15672}, // RabbitMQ management

	// Container, cluster and observability tooling.
	{2375, 2376},   // Docker daemon
	{2379, 2380},   // etcd
	{4317, 4318},   // OpenTelemetry OTLP
	{5601, 5601},   // Kibana
	{6443, 6443},   // Kubernetes API server
	{8200, 8200},   // Vault
	{8500, 8500},   // Consul
	{9090, 9090},   // Prometheus
	{9411, 9411},   // Zipkin
	{10250, 10250}, // kubelet
	{16686, 16686}, // Jaeger UI

	// Framework dev servers' defaults: a worktree started without this tool
	// (or another tool's server) is likely to be sitting on them.
	{1313, 1313},   // Hugo
	{3000, 3001},   // Rails, Express, Next.js, Grafana
	{4000, 4000},   // Jekyll, Phoenix
	{4200, 4200},   // Angular
	{5173, 5173},   // Vite
	{6006, 6006},   // Storybook
	{8000, 8000},   // Django, many static servers
	{8080, 8081},   // the generic alternative HTTP ports
	{8443, 8443},   // the generic alternative HTTPS port
	{8888, 8888},   // Jupyter
	{9000, 9000},   // PHP-FPM, MinIO, ClickHouse native
	{24678, 24678}, // Vite middleware-mode and Nuxt HMR websocket

	// Desktop services that listen by default.
	{3389, 3389}, // RDP
	{5000, 5000}, // macOS AirPlay Receiver (also Flask's default)
	{5900, 5900}, // VNC, macOS Screen Sharing
	{7000, 7000}, // macOS AirPlay Receiver

	// Ports that browsers refuse to fetch (Chromium's kRestrictedPorts and
	// Firefox's network.security.ports.banned, the part in 1024-65535). A dev
	// server there works from curl but not from the browser, which is a
	// confusing failure to hand anyone.
	{1719, 1720},   // H.323
	{1723, 1723},   // PPTP
	{2049, 2049},   // NFS
	{3659, 3659},   // Apple SASL
	{4045, 4045},   // lockd
	{4190, 4190},   // ManageSieve
	{5060, 5061},   // SIP
	{6000, 6000},   // X11
	{6566, 6566},   // SANE
	{6665, 6669},   // IRC
	{6679, 6679},   // IRC over TLS
	{6697, 6697},   // IRC over TLS
	{10080, 10080}, // Amanda
}
