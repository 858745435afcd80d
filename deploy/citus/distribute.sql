-- Distributes the PhoneCrm schema over Citus (README "Scaling out"). Generated from the migrated catalog by
-- tests/PhoneCrm.IntegrationTests/Platform/CitusDistributionTests.cs, which fails when a table is missing here;
-- PHONECRM_WRITE_CITUS=1 rewrites this file. Do not edit by hand.
--
-- Run once on the coordinator, in the phonecrm database, after the app has migrated it and before any data:
--   psql -v ON_ERROR_STOP=1 -U postgres -d phonecrm -f deploy/citus/distribute.sql
-- Tables without tenant_id become reference tables (a copy on every node); every tenant table is distributed by
-- tenant_id and co-located with the first one, so all of a tenant's rows sit in one shard group and every
-- statement that names its tenant (all of the app's, through row-level security and explicit tenant_id
-- predicates) runs on one node. Referenced tables come before the tables pointing at them.
\set ON_ERROR_STOP on
-- The tenant tables' triggers (search tokens, consent mask, stats) touch only their own tenant's co-located rows.
SET citus.enable_unsafe_triggers = on;

-- Reference tables

SELECT create_reference_table('data_protection_keys');
SELECT create_reference_table('tenants');
SELECT create_reference_table('users');
SELECT create_reference_table('user_claims');
SELECT create_reference_table('user_logins');
SELECT create_reference_table('user_tokens');

-- Looked up by their own key before a tenant is known (README "Scaling out": the queries that join them)

SELECT create_distributed_table('short_links', 'code', colocate_with => 'none');

-- Tenant tables, by tenant_id, co-located

SELECT create_distributed_table('analytics_settings', 'tenant_id', colocate_with => 'none');
SELECT create_distributed_table('api_keys', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('audit_log', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('automation_cursors', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('automations', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('base_health_snapshots', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('breach_incidents', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('calendar_years', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_chain_checkpoints', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_chain_heads', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_keys', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_purposes', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_text_versions', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('capture_forms', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_code_challenges', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('contact_search_tokens', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('contacts', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_records', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('consent_states', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('contact_categories', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('contact_events', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('automation_runs', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('contact_notes', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('destruction_acts', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('erasure_tombstones', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('imports', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('import_batches', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('import_file_chunks', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('import_rejections', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('job_runs', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('memberships', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('message_templates', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('notifications', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('reconsent_requests', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('retention_runs', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('segments', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('audience_exports', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('audience_export_members', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('campaigns', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('analytics_closed_figures', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('campaign_batches', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('campaign_recipients', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sending_settings', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sms_inbound', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sms_messages', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sms_number_changes', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sms_provider_settings', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('sms_simulator_messages', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('subject_request_challenges', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('subject_request_counters', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('subject_request_settings', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('subject_requests', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('subject_request_notices', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('suppressions', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('surveys', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('survey_calls', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('survey_responses', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('survey_quality_items', 'tenant_id', colocate_with => 'analytics_settings');
SELECT create_distributed_table('tracking_numbers', 'tenant_id', colocate_with => 'analytics_settings');
