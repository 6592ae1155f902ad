-- The reading-grain fact table that marts and analysts query: one row per subject and reading.
with enriched as (
    select * from {{ ref('int_glucose_enriched') }}
),

final as (
    select
        subject_id,
        entry_id,
        reading_ts,
        local_ts,
        local_date,
        local_hour,
        day_of_week,
        sgv_mg_dl,
        glucose_category,
        sgv_mg_dl between 70 and 180 as is_in_range,
        delta_mg_dl,
        rate_mg_dl_per_min,
        minutes_since_previous,
        direction,
        device
    from enriched
)

select * from final
