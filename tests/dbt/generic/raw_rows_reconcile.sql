{#- Nothing is silently lost (SPEC 8): every raw row is either accepted or quarantined.
    Fails with one row showing the three counts when raw <> accepted + quarantined. -#}
{% test raw_rows_reconcile(model, accepted, quarantine, accepted_where='1 = 1') %}

with

counts as (

    select
        (select count(*) from {{ model }}) as raw_rows,
        (select count(*) from {{ accepted }} where {{ accepted_where }}) as accepted_rows,
        (select count(*) from {{ quarantine }}) as quarantined_rows

)

select * from counts
where raw_rows <> accepted_rows + quarantined_rows

{% endtest %}
