{#- Rejected raw contact_properties rows with the reason, for a data steward to fix at the source. -#}

with

validated as (

    select * from {{ ref('int_contact_properties_validated') }}

),

final as (

    select * from validated
    where reject_reason is not null

)

select * from final
