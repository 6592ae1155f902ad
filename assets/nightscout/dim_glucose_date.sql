-- Daily glucose metrics per subject and local date (international consensus definitions, Battelino 2019).
-- Every percentage is of the day's readings; all metrics come from unrounded values.
with readings as (
    select * from {{ ref('fact_glucose_readings') }}
),

daily as (
    select
        subject_id,
        local_date,
        count(*)                                                  as reading_count,
        least(100.0, 100.0 * count(*) / 288)                      as coverage_pct,   -- 288 = one reading per 5 min
        avg(sgv_mg_dl)                                            as mean_mg_dl,
        -- Sample SD (n − 1) from exact integer sums: DuckDB's stddev_samp combines per-thread partial results in
        -- whatever order threads finish, so its last bits vary between runs; these sums do not.
        case when count(*) > 1 then sqrt(
            (count(*) * sum(sgv_mg_dl::hugeint * sgv_mg_dl) - sum(sgv_mg_dl::hugeint) ^ 2)::double
            / (count(*) * (count(*) - 1))
        ) end                                                     as sd_mg_dl,
        min(sgv_mg_dl)                                            as min_mg_dl,
        max(sgv_mg_dl)                                            as max_mg_dl,
        100.0 * count(*) filter (where sgv_mg_dl between 70 and 180) / count(*) as tir_pct,
        100.0 * count(*) filter (where sgv_mg_dl < 70)  / count(*)              as tbr_pct,
        100.0 * count(*) filter (where sgv_mg_dl < 54)  / count(*)              as tbr_level2_pct,
        100.0 * count(*) filter (where sgv_mg_dl > 180) / count(*)              as tar_pct,
        100.0 * count(*) filter (where sgv_mg_dl > 250) / count(*)              as tar_level2_pct
    from readings
    group by subject_id, local_date
),

final as (
    select
        *,
        100.0 * sd_mg_dl / mean_mg_dl          as cv_pct,
        3.31 + 0.02392 * mean_mg_dl            as gmi_pct     -- glucose management indicator (Bergenstal 2018)
    from daily
)

select
    subject_id, local_date, reading_count, coverage_pct, mean_mg_dl, sd_mg_dl, cv_pct, min_mg_dl, max_mg_dl,
    tir_pct, tbr_pct, tbr_level2_pct, tar_pct, tar_level2_pct, gmi_pct
from final
order by subject_id, local_date
