-- Joins the Citus nodes of deploy/citus/docker-compose.yml, on the coordinator's phonecrm database, once.
-- The coordinator reaches the workers as postgres with the password given as :pw (from .env, never written here).
SELECT citus_set_coordinator_host('db', 5432);
INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'postgres', 'password=' || :'pw')
  ON CONFLICT DO NOTHING;
SELECT citus_add_node('citus-worker1', 5432);
SELECT citus_add_node('citus-worker2', 5432);
SELECT nodename, nodeport, noderole FROM pg_dist_node ORDER BY nodeid;
