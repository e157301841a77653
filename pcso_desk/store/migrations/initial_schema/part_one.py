"""Revision 0001, part one: the area, the team, meetings, contacts and figures.

History: never edit (see __init__).
"""

from alembic import op
import sqlalchemy as sa


def create() -> None:
    op.create_table('districts',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('code', name=op.f('uq_districts_code')),
    sa.UniqueConstraint('name', name=op.f('uq_districts_name'))
    )
    op.create_table('police_stations',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('opening_hours', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_stations'))
    )
    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_meta'))
    )
    op.create_table('councils',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_councils_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils'))
    )
    op.create_table('neighbourhoods',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('district_id', sa.String(length=36), nullable=False),
    sa.Column('base_station_id', sa.String(length=36), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('photo_path', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['base_station_id'], ['police_stations.id'], name=op.f('fk_neighbourhoods_base_station_id_police_stations')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_neighbourhoods_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neighbourhoods')),
    sa.UniqueConstraint('code', name=op.f('uq_neighbourhoods_code')),
    sa.UniqueConstraint('name', name=op.f('uq_neighbourhoods_name'))
    )
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neighbourhoods_district_id'), ['district_id'], unique=False)

    op.create_table('meetings',
    sa.Column('meeting_type', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.String(length=32), nullable=False),
    sa.Column('ends_at', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=True),
    sa.Column('partners_present', sa.Text(), nullable=False),
    sa.Column('issues_raised', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_meetings_neighbourhood_id_neighbourhoods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)

    op.create_table('officers',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('collar_number', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=True),
    sa.Column('work_phone', sa.String(length=20), nullable=False),
    sa.Column('work_email', sa.String(length=254), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_officers_neighbourhood_id_neighbourhoods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    sa.UniqueConstraint('collar_number', name=op.f('uq_officers_collar_number'))
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officers_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('wards',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=False),
    sa.Column('council_id', sa.String(length=36), nullable=True),
    sa.Column('areas', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_wards_council_id_councils')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_wards_neighbourhood_id_neighbourhoods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wards')),
    sa.UniqueConstraint('code', name=op.f('uq_wards_code'))
    )
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wards_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('abstractions',
    sa.Column('officer_id', sa.String(length=36), nullable=False),
    sa.Column('starts_at', sa.String(length=32), nullable=False),
    sa.Column('ends_at', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_abstractions_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_abstractions'))
    )
    with op.batch_alter_table('abstractions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abstractions_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_abstractions_starts_at'), ['starts_at'], unique=False)

    op.create_table('contacts',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('role_title', sa.String(length=120), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('preferred_method', sa.String(length=32), nullable=True),
    sa.Column('preferred_times', sa.String(length=200), nullable=False),
    sa.Column('lawful_basis', sa.String(length=32), nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=False),
    sa.Column('consent_at', sa.String(length=32), nullable=True),
    sa.Column('consent_how', sa.String(length=200), nullable=False),
    sa.Column('consent_told', sa.Text(), nullable=False),
    sa.Column('consent_withdrawn_at', sa.String(length=32), nullable=True),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_contacts_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_postcode'), ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_review_date'), ['review_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_ward_id'), ['ward_id'], unique=False)

    op.create_table('crime_counts',
    sa.Column('ward_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('crime_type', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_crime_counts_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_counts'))
    )
    with op.batch_alter_table('crime_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_counts_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_crime_counts_ward_id'), ['ward_id'], unique=False)

    op.create_table('crime_records',
    sa.Column('crime_id', sa.String(length=80), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('reported_by', sa.String(length=120), nullable=False),
    sa.Column('falls_within', sa.String(length=120), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('lsoa_code', sa.String(length=16), nullable=False),
    sa.Column('lsoa_name', sa.String(length=120), nullable=False),
    sa.Column('crime_type', sa.String(length=80), nullable=False),
    sa.Column('last_outcome', sa.String(length=200), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('row_key', sa.String(length=80), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_crime_records_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_records')),
    sa.UniqueConstraint('row_key', name=op.f('uq_crime_records_row_key'))
    )
    with op.batch_alter_table('crime_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_records_crime_id'), ['crime_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crime_records_lsoa_code'), ['lsoa_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_crime_records_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_crime_records_ward_id'), ['ward_id'], unique=False)
