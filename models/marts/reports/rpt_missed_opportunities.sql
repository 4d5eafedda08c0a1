{{ config(materialized='table') }}

{#- Leads sales should not miss: contacts who raised a hand (matched one of the lifecycle model's
    var('hand_raiser_rule_ids') rules, by default a demo / contact-sales request or a reply to
    outreach) but are still below mql, unless sales gave feedback at or after the latest hand-raise
    (a rep has seen it: e.g. unqualified it), and SQLs without a CRM owner whose alert is open past
    its SLA. Excluded contacts are left out. One row per contact and issue. -#}

with

scores as (

    select * from {{ ref('fct_lead_scores') }}
    where lifecycle_stage is not null

),

contacts as (

    select * from {{ ref('dim_contacts') }}

),

thresholds as (

    select
        model_id,
        max(case when stage = 'mql' then min_score end) as mql_min_score
    from {{ ref('stg_config__lifecycle_thresholds') }}
    group by model_id

),

-- one row per contact: the hand-raising rules it matched and its latest hand-raise
hand_raises as (

    select
        model_id,
        contact_id,
        {{ dbt.listagg('rule_id', "', '", 'order by rule_id') }} as rule_ids,
        max(last_event_at) as last_event_at
    from {{ ref('int_rule_points_from_events') }}
    where rule_id in (
            {%- for rule_id in var('hand_raiser_rule_ids') -%}
                '{{ rule_id }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        )
    group by model_id, contact_id

),

alerts as (

    select * from {{ ref('fct_sales_alerts') }}

),

feedback as (

    select
        contact_id,
        max(created_at) as last_feedback_at
    from {{ ref('int_sales_feedback_validated') }}
    where reject_reason is null
        and created_at <= {{ as_of_timestamp() }}
    group by contact_id

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

hand_raisers_below_mql as (

    select
        scores.contact_id,
        'hand_raiser_below_mql' as issue_type,
        'matched ' || hand_raises.rule_ids || ' but is ' || scores.lifecycle_stage || ' at score '
        || cast(scores.total_score as {{ dbt.type_string() }})
        || coalesce(' (mql at ' || cast(thresholds.mql_min_score as {{ dbt.type_string() }}) || ')', '')
            as detail,
        hand_raises.last_event_at as signal_at,
        scores.lifecycle_stage,
        scores.total_score,
        contacts.owner_id,
        cast(null as {{ dbt.type_timestamp() }}) as due_at
    from scores
    inner join hand_raises
        on scores.model_id = hand_raises.model_id
        and scores.contact_id = hand_raises.contact_id
    inner join contacts
        on scores.contact_id = contacts.contact_id
    left join thresholds
        on scores.model_id = thresholds.model_id
    left join feedback
        on scores.contact_id = feedback.contact_id
    where scores.lifecycle_stage in ('subscriber', 'lead')
        and not scores.is_excluded
        and coalesce(feedback.last_feedback_at < hand_raises.last_event_at, true)

),

unowned_sqls_past_sla as (

    select
        alerts.contact_id,
        'unowned_sql_past_sla' as issue_type,
        'sql since ' || cast(alerts.triggered_at as {{ dbt.type_string() }}) || ', no CRM owner, due '
        || cast(alerts.due_at as {{ dbt.type_string() }}) || ' (suggested rep: '
        || coalesce(alerts.owner_id, 'none active') || ')' as detail,
        alerts.triggered_at as signal_at,
        scores.lifecycle_stage,
        scores.total_score,
        contacts.owner_id,
        alerts.due_at
    from alerts
    inner join scores
        on alerts.contact_id = scores.contact_id
    inner join contacts
        on alerts.contact_id = contacts.contact_id
    where alerts.alert_type = 'sql'
        and alerts.is_open
        and not scores.is_excluded
        and contacts.owner_id is null
        and alerts.due_at < {{ as_of_timestamp() }}

),

final as (

    select
        issues.contact_id,
        issues.issue_type,
        issues.detail,
        issues.signal_at,
        issues.due_at,
        issues.lifecycle_stage,
        issues.total_score,
        issues.owner_id,
        config_version.config_version
    from (
        select * from hand_raisers_below_mql
        union all
        select * from unowned_sqls_past_sla
    ) as issues
    cross join config_version

)

select * from final
