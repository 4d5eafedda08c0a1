{{ config(materialized='table') }}

{#- The fingerprints this run scored against, kept for the next run to compare with: written after
    int_contacts_to_score has read the previous run's. One row per accepted contact. -#}

-- depends_on: {{ ref('int_contacts_to_score') }}

select * from {{ ref('int_contact_fingerprints') }}
