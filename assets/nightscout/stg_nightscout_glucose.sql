-- Sensor glucose readings, typed: one row per subject and reading time.
-- Keeps entries of type 'sgv' with a plausible value (20–600 mg/dL); finger sticks ('mbg') and calibrations
-- ('cal') are dropped. Uploaders sometimes send one reading twice under new _ids: the first _id wins.
with entries as (
    select * from {{ ref('raw_nightscout_entries') }}
),

typed as (
    select
        subject_id,
        _id                                   as entry_id,
        make_timestamptz(date * 1000)         as reading_ts,      -- Nightscout `date` is epoch ms (UTC)
        sgv::integer                          as sgv_mg_dl,
        direction,
        trend::integer                        as trend,
        device,
        utc_offset::integer                   as utc_offset_min,
        local_date                                                -- the partition: day in the partitions' zone
    from entries
    where type = 'sgv'
      and sgv between 20 and 600
),

final as (
    select *
    from typed
    qualify row_number() over (partition by subject_id, reading_ts order by entry_id) = 1
)

select * from final
order by subject_id, reading_ts
