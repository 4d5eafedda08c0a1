{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='valid_to',
    on_schema_change='fail',
) }}

{#- End-of-day scores (SPEC 7): for every contact and model, a row per day on which the end-of-day
    score differs from the previous day's, valid from that day until (not including) valid_to.
    The score on day D is the row with valid_from <= D < valid_to (valid_to null: still valid).
    The last row holds the score at as_of, which equals fct_lead_scores. An incremental run
    resumes a recomputed contact's history at its first stored row it replaces (macro
    resumes_kept_history). -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

{% if resumes_kept_history() -%}
-- the first stored row the run replaces (valid_to from replaced_from on, or open): the rows
-- before it stay, and the history computed from its valid_from on starts with it (the first
-- end-of-day score counts as a change). Recomputed from the start: a contact with no
-- replaced_from or no such row.
resumed_from as (

    select
        stored.contact_id,
        stored.model_id,
        min(stored.valid_from) as resumed_from
    from {{ this }} as stored
    inner join {{ ref('int_contacts_to_score') }} as to_score
        on stored.contact_id = to_score.contact_id
    where to_score.replaced_from is not null
        and (stored.valid_to is null or stored.valid_to >= to_score.replaced_from)
    group by 1, 2

),

{% endif -%}

timeline as (

    select timeline.*
    from {{ ref('int_lead_score_timeline') }} as timeline
    {%- if resumes_kept_history() %}
        left join resumed_from
            on timeline.contact_id = resumed_from.contact_id
            and timeline.model_id = resumed_from.model_id
    {%- endif %}
    where {{ is_contact_to_score('timeline.contact_id') }}
    {%- if resumes_kept_history() %}
        and (resumed_from.resumed_from is null or timeline.changed_at >= resumed_from.resumed_from)
    {%- endif %}

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

-- the day's last change holds the end-of-day score
compared as (

    select
        model_id,
        contact_id,
        score_key,
        cast(changed_at as date) as score_date,
        fit_score,
        engagement_score,
        total_score,
        lag(fit_score) over (partition by score_key order by changed_at) as previous_fit_score,
        lag(engagement_score) over (partition by score_key order by changed_at)
            as previous_engagement_score,
        lag(total_score) over (partition by score_key order by changed_at) as previous_total_score
    from timeline
    where is_last_of_day

),

changed as (

    select * from compared
    where previous_total_score is null
        or fit_score <> previous_fit_score
        or engagement_score <> previous_engagement_score
        or total_score <> previous_total_score

),

final as (

    select
        changed.model_id,
        changed.contact_id,
        changed.score_date as valid_from,
        lead(changed.score_date) over (
            partition by changed.score_key order by changed.score_date
        ) as valid_to,
        changed.fit_score,
        changed.engagement_score,
        changed.total_score,
        config_version.config_version
    from changed
    cross join config_version

)

select * from final
