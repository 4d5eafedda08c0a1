{{ config(materialized='incremental', incremental_strategy='append') }}

{#- A stable integer per contact id, for the integer window keys of the per-contact models: a
    contact keeps its number across incremental runs (new ids are numbered after the highest);
    a full build numbers the contacts in id order. One row per contact id ever accepted. -#}

with

contact_ids as (

    select distinct contact_id
    from {{ ref('stg_crm__contacts') }}
    where reject_reason is null

),

{% if is_incremental() -%}

new_contact_ids as (

    select contact_ids.contact_id
    from contact_ids
    left join {{ this }} as numbered
        on contact_ids.contact_id = numbered.contact_id
    where numbered.contact_id is null

),

new_contact_numbers as (

    select
        contact_id,
        (select coalesce(max(contact_number), 0) from {{ this }})
        + row_number() over (order by contact_id) as contact_number
    from new_contact_ids

),

{% endif -%}

final as (

    {% if is_incremental() -%}
        select * from new_contact_numbers
    {%- else -%}
        select
            contact_id,
            row_number() over (order by contact_id) as contact_number
        from contact_ids
    {%- endif %}

)

select * from final
