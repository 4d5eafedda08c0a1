{#- The current row of a score history (valid_to null) equals the current scores, for every
    contact and model on both sides. Fails with each contact and model that differs or is missing. -#}
{% test history_matches_current_scores(model, current) %}

with

history as (

    select * from {{ model }}
    where valid_to is null

),

current_scores as (

    select * from {{ current }}

),

final as (

    select
        coalesce(history.contact_id, current_scores.contact_id) as contact_id,
        coalesce(history.model_id, current_scores.model_id) as model_id,
        history.fit_score as history_fit_score,
        current_scores.fit_score,
        history.engagement_score as history_engagement_score,
        current_scores.engagement_score,
        history.total_score as history_total_score,
        current_scores.total_score
    from history
    full outer join current_scores
        on history.contact_id = current_scores.contact_id
        and history.model_id = current_scores.model_id
    where history.contact_id is null
        or current_scores.contact_id is null
        or history.fit_score <> current_scores.fit_score
        or history.engagement_score <> current_scores.engagement_score
        or history.total_score <> current_scores.total_score

)

select * from final

{% endtest %}
