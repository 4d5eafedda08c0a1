{#- The SPEC 2 input contract: every raw table, its columns, and which are required (*). -#}
{% macro raw_table_columns() %}
    {{ return({
        'contacts': {
            'required': ['contact_id', 'created_at'],
            'optional': ['email', 'first_name', 'last_name', 'company_name', 'company_domain',
                         'job_title', 'industry', 'country', 'employee_count', 'annual_revenue',
                         'lead_source', 'lead_source_detail', 'contact_type', 'owner_id',
                         'email_opt_out', 'updated_at'],
            'is_optional_table': false,
        },
        'contact_properties': {
            'required': ['contact_id', 'property'],
            'optional': ['value', 'updated_at'],
            'is_optional_table': true,
        },
        'events': {
            'required': ['event_id', 'event_type', 'occurred_at'],
            'optional': ['contact_id', 'email', 'first_name', 'last_name', 'company_name', 'url',
                         'form_id', 'campaign_id', 'content_id', 'session_id', 'source_system',
                         'properties'],
            'is_optional_table': false,
        },
        'deals': {
            'required': ['deal_id', 'contact_id', 'stage', 'created_at'],
            'optional': ['amount', 'closed_at'],
            'is_optional_table': true,
        },
        'sales_feedback': {
            'required': ['feedback_id', 'contact_id', 'feedback', 'created_at'],
            'optional': ['reason', 'rep_id'],
            'is_optional_table': true,
        },
    }) }}
{% endmacro %}
