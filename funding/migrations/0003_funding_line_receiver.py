import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3: the receiving party becomes a column of the funding line (nullable: an
    in-kind line, or one whose receiver is not yet known, has none)."""

    dependencies = [
        ('agreements', '0010_search_trigram_indexes'),
        ('funding', '0002_related_rows_ordered_by_parent_id'),
    ]

    operations = [
        migrations.AddField(
            model_name='fundingline',
            name='receiver',
            field=models.ForeignKey(blank=True, help_text='Den part som tar emot pengarna, oftast den idéburna organisationen.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='received_lines', to='agreements.party', verbose_name='mottagare'),
        ),
        migrations.AddField(
            model_name='historicalfundingline',
            name='receiver',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Den part som tar emot pengarna, oftast den idéburna organisationen.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agreements.party', verbose_name='mottagare'),
        ),
    ]
