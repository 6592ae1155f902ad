-- Glucose by local hour of day and weekday per subject: the shape of a typical day.
-- Percentiles are continuous (linear interpolation), as in R's type-7 quantiles.
with readings as (
    select * from {{ ref('fact_glucose_readings') }}
),

final as (
    select
        subject_id,
        day_of_week,                                    -- 0 = Sunday
        local_hour,
        count(*)                                        as reading_count,
        avg(sgv_mg_dl)                                  as mean_mg_dl,
        quantile_cont(sgv_mg_dl, 0.25)                  as p25_mg_dl,
        quantile_cont(sgv_mg_dl, 0.50)                  as median_mg_dl,
        quantile_cont(sgv_mg_dl, 0.75)                  as p75_mg_dl,
        100.0 * count(*) filter (where is_in_range) / count(*) as tir_pct
    from readings
    group by subject_id, day_of_week, local_hour
)

select * from final
order by subject_id, day_of_week, local_hour
