"""An agreement's dossier (akt): one ZIP file for auditors (agreements.documents.dossier)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from agreements.access import get_agreement_for
from agreements.documents.dossier import write_dossier

# Up to this size the archive is built in memory, beyond it in a temporary file.
IN_MEMORY = 10 * 1024 * 1024


@login_required
@require_GET
def agreement_dossier(request, pk):
    agreement = get_agreement_for(request.user, pk)
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    try:
        write_dossier(agreement=agreement, user=request.user, now=timezone.now(), file=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=f"akt-{agreement.pk}.zip", content_type="application/zip"
    )
