-- Readings with local calendar fields, consensus glucose category and change from the previous reading.
-- Local time is the reading's time in the partitions' time zone ({{ timezone }}), so a reading's local date is the
-- day partition it belongs to; the uploader's own UTC offset is kept as utc_offset_min.
-- Change and rate are null for a subject's first reading and across gaps of more than 15 minutes. The day before the
-- partition is read too (a one-day window), so the first reading after midnight has its predecessor.
with readings as (
    select * from {{ ref('stg_nightscout_glucose') }}
),

-- Time arithmetic runs on epoch milliseconds: plain integers, no time-zone library in the hot path.
localized as (
    select
        *,
        epoch_ms(reading_ts)                              as reading_ms,
        timezone({{ timezone }}, reading_ts)               as local_ts
    from readings
),

with_previous as (
    select
        *,
        lag(sgv_mg_dl)  over by_subject as previous_sgv,
        lag(reading_ms) over by_subject as previous_ms
    from localized
    window by_subject as (partition by subject_id order by reading_ts)
),

final as (
    select
        subject_id,
        entry_id,
        reading_ts,
        local_ts,
        local_ts::date                                     as local_date,
        hour(local_ts)::integer                            as local_hour,
        dayofweek(local_ts)::integer                       as day_of_week,   -- 0 = Sunday
        sgv_mg_dl,
        case
            when sgv_mg_dl < 54   then 'very_low'
            when sgv_mg_dl < 70   then 'low'
            when sgv_mg_dl <= 180 then 'in_range'
            when sgv_mg_dl <= 250 then 'high'
            else 'very_high'
        end                                                as glucose_category,
        (reading_ms - previous_ms) / 60000.0               as minutes_since_previous,
        case when reading_ms - previous_ms <= 15 * 60000
             then (sgv_mg_dl - previous_sgv)::double end   as delta_mg_dl,
        case when reading_ms - previous_ms <= 15 * 60000
             then (sgv_mg_dl - previous_sgv) / ((reading_ms - previous_ms) / 60000.0)
        end                                                as rate_mg_dl_per_min,
        direction,
        trend,
        device,
        utc_offset_min
    from with_previous
    where reading_ts >= {{ partition_start }} and reading_ts < {{ partition_end }}
)

select * from final
order by subject_id, reading_ts
