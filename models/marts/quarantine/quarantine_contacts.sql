{#- Rejected raw contacts rows with the reason, for a data steward to fix at the source. -#}

with

validated as (

    select * from {{ ref('stg_crm__contacts') }}

),

final as (

    select * from validated
    where reject_reason is not null

)

select * from final
