{#- The relation a model of this project builds, without ref(): for the few reads of a
    downstream model's previous state (a ref would be a cycle). -#}
{% macro model_relation(name) %}
    {%- set node = graph.nodes['model.lead_scoring.' ~ name] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{% endmacro %}
