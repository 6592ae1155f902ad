-- Daily overview per subject: the daily metrics, a 7-calendar-day rolling GMI and day-over-day changes.
-- A partition reads its own day of dim_glucose_date and the 6 days before it (a window mapping), and keeps its own.
-- Rolling GMI uses the mean of every reading in the 7 calendar days ending on the row's date (days without
-- readings simply contribute none). Day-over-day changes compare with the previous calendar day and are null
-- when that day has no readings.
with days as (
    select * from {{ ref('dim_glucose_date') }}
),

rolling as (
    select
        *,
        sum(mean_mg_dl * reading_count) over last_7_days / sum(reading_count) over last_7_days as rolling_7d_mean_mg_dl,
        count(*) over last_7_days                                                             as rolling_7d_days
    from days
    window last_7_days as (
        partition by subject_id order by local_date
        range between interval 6 days preceding and current row
    )
),

with_previous as (
    select
        r.*,
        p.mean_mg_dl as previous_mean_mg_dl,
        p.tir_pct    as previous_tir_pct
    from rolling r
    left join days p
      on p.subject_id = r.subject_id
     and p.local_date = r.local_date - interval 1 day
),

final as (
    select
        subject_id, local_date, reading_count, coverage_pct, mean_mg_dl, sd_mg_dl, cv_pct, min_mg_dl, max_mg_dl,
        tir_pct, tbr_pct, tbr_level2_pct, tar_pct, tar_level2_pct, gmi_pct,
        rolling_7d_days,
        3.31 + 0.02392 * rolling_7d_mean_mg_dl   as rolling_7d_gmi_pct,
        mean_mg_dl - previous_mean_mg_dl         as mean_change_mg_dl,
        tir_pct - previous_tir_pct               as tir_change_pct
    from with_previous
    where local_date >= timezone({{ timezone }}, {{ partition_start }})::date
      and local_date <  timezone({{ timezone }}, {{ partition_end }})::date
)

select * from final
order by subject_id, local_date
