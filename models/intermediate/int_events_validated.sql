{{ config(materialized='incremental', incremental_strategy='replace_event_window') }}

{#- The event store: every raw event with its resolved contact and, for rejected rows, the
    reason; scoring reads the accepted rows (reject_reason is null). A full build loads every raw
    event; an incremental run replaces the stored events it reloads (int_events_to_load: the
    lookback window, undated rows, events of contacts whose identity changed) and keeps the rest.
    One row per raw event row. -#}

-- int_events_replaced keeps the stored events this run replaces, for int_contacts_to_score
-- depends_on: {{ ref('int_events_replaced') }}
-- depends_on: {{ ref('int_event_ids_to_reload') }}
-- depends_on: {{ ref('int_raw_events_reloaded') }}
-- depends_on: {{ ref('int_scoring_run') }}

select * from {{ ref('int_events_to_load') }}
